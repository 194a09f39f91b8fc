import io.github.deltaimage.maven.it.ItImages
import groovy.json.JsonSlurper

def app = new File(fixtures, 'oci/app')
def restored = new File(basedir, 'target/restored')
assert ItImages.ociImageId(restored, '1.1') == ItImages.ociImageId(app, '1.1') : 'the restored image ID is the target\'s'
assert ItImages.ociManifestDigest(restored, '1.1') == ItImages.ociManifestDigest(app, '1.1') : 'and so is its manifest'
assert ItImages.ociLayerCount(new File(basedir, 'target/delta'), '1.1') == ItImages.ociLayerCount(app, '1.0') + 1
def diff = new JsonSlurper().parse(new File(basedir, 'target/deltaimage/diff-report.json'))
assert diff.images.delta == "oci:${basedir}/target/delta:1.1".toString()
assert diff.layers.size() == ItImages.ociLayerCount(app, '1.1')
def rebuilt = diff.layers.findAll { !it.fromSource }
assert !rebuilt.isEmpty() && rebuilt.every { it.engine in ['suffix-array', 'lzma2-dictionary'] } : 'the default engine names the engine it kept per layer'
def html = new File(basedir, 'target/deltaimage/diff-report.html').text
assert html.contains('class="chart"') && html.contains('Where the delta bytes go')
assert new File(basedir, 'target/deltaimage/apply-report.json').isFile()
def apply = new JsonSlurper().parse(new File(basedir, 'target/deltaimage/apply-report.json'))
assert apply.manifestExact == true
assert apply.restoredManifestDigest == apply.targetManifestDigest
assert diff.applyWillReproduce.manifestDigest == true : 'diff foretells what apply does'
return true
