import io.github.deltaimage.maven.it.ItImages
import groovy.json.JsonSlurper

def app = new File(fixtures, 'oci/app')
assert ItImages.ociLayerCount(new File(basedir, 'target/delta'), '1.1') == 1 : 'an unlinked delta holds only the delta layer'
assert ItImages.ociImageId(new File(basedir, 'target/restored'), '1.1') == ItImages.ociImageId(app, '1.1')
def diff = new JsonSlurper().parse(new File(basedir, 'target/deltaimage/diff-report.json'))
assert diff.unlinked == true
def rebuilt = diff.layers.findAll { !it.fromSource }
assert !rebuilt.isEmpty() && rebuilt.every { it.engine == 'xdelta3' } : '<engine>xdelta3</engine> encodes every rebuilt layer'
return true
