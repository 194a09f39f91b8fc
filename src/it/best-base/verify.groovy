import io.github.deltaimage.maven.it.ItImages
import groovy.json.JsonSlurper

def app = new File(fixtures, 'oci/app')
def registry = System.getenv('DELTAIMAGE_TEST_REGISTRY')
def log = new File(basedir, 'build.log').text
assert log.contains("The last 3 tags before docker://$registry/maven-it/app:1.1") : 'the tags were listed'
def diff = new JsonSlurper().parse(new File(basedir, 'target/deltaimage/diff-report.json'))
assert diff.images.source == "docker://$registry/maven-it/app:1.0".toString() : "1.0 beats the decoy: ${diff.images.source}"
assert diff.images.candidates.contains('unlinked-delta')
assert diff.notes[0].startsWith("base docker://$registry/maven-it/app:1.0 chosen") : diff.notes[0]
assert diff.sourceImageId == ItImages.ociImageId(app, '1.0')
assert diff.applyWillReproduce.targetManifestDigest == ItImages.registryManifestDigest(registry, 'maven-it/app', '1.1') : 'the chosen base\'s summary keeps the target\'s manifest digest'
def restored = new File(basedir, 'target/restored')
assert ItImages.ociImageId(restored, '1.1') == ItImages.ociImageId(app, '1.1') : 'the restored image ID is the target\'s'
return true
