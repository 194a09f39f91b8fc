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
assert diff.deltaBytes > 0 && diff.deltaBytes < diff.targetBytes
assert log =~ /\[INFO\] Source [0-9.]+ [kMG]?B, target [0-9.]+ [kMG]?B, delta [0-9.]+ [kMG]?B \([0-9.]+ % of the target\), [0-9.]+ s/
return true
