import io.github.deltaimage.maven.it.ItImages

// The fixtures agree with each other. (Not with the daemon: on a shared machine another test run
// may rebuild deltaimage-test/app meanwhile.)
def app = new File(fixtures, 'oci/app')
for (tag in ['1.0', '1.1']) {
  def id = ItImages.ociImageId(app, tag)
  assert id != null
  assert ItImages.registryImageId(ItImages.env('DELTAIMAGE_TEST_REGISTRY'), 'maven-it/app', tag, false) == id
  assert ItImages.registryImageId(ItImages.env('DELTAIMAGE_TEST_AUTH_REGISTRY'), 'maven-it/app', tag, true) == id
}
assert ItImages.ociImageId(app, '1.0') != ItImages.ociImageId(app, '1.1')
assert ItImages.ociLayerCount(new File(fixtures, 'oci/unlinked-delta'), '1.1') == 1
return true
