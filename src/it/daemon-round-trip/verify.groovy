import io.github.deltaimage.maven.it.ItImages
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
def original = ItImages.daemonImageId('deltaimage-it/maven-app:target')
assert original != null
assert ItImages.daemonImageId('deltaimage-it/maven-app:delta') != null : 'the delta image is in the daemon'
assert ItImages.daemonImageId('deltaimage-it/maven-app:restored') == original : 'the restored image ID is the target\'s'
def diff = new JsonSlurper().parse(new File(basedir, 'target/deltaimage/diff-report.json'))
def apply = new JsonSlurper().parse(new File(basedir, 'target/deltaimage/apply-report.json'))
assert diff.targetImageId == original
assert apply.targetImageId == original
assert diff.deltaBytes > 0 && diff.deltaBytes < diff.sizes.targetStoredBytes
assert diff.sizes.targetStoredBytes == apply.sizes.targetStoredBytes : 'diff and apply report the same target size'
// The daemon keeps tars, so the summary says the sizes are tars, not what a registry would store.
assert log =~ /\[INFO\] Target [0-9.]+ [kMG]?B \(\d+ layer blobs, as tars, as the daemon or an archive holds them\); new layers [0-9.]+ [kMG]?B \(\d+ blobs? the source does not store\); delta layer [0-9.]+ [kMG]?B: [0-9.]+ % of the target, [0-9.]+ % of the new layers; [0-9.]+ s/
return true
