import io.github.deltaimage.maven.it.ItImages

def app = new File(fixtures, 'oci/app')
for (tag in ['1.0', '1.1']) {
  assert ItImages.ociImageId(app, tag) == ItImages.daemonImageId("deltaimage-test/app:$tag")
  assert ItImages.registryImageId(ItImages.env('DELTAIMAGE_TEST_REGISTRY'), 'maven-it/app', tag, false) == ItImages.ociImageId(app, tag)
  assert ItImages.registryImageId(ItImages.env('DELTAIMAGE_TEST_AUTH_REGISTRY'), 'maven-it/app', tag, true) == ItImages.ociImageId(app, tag)
}
assert ItImages.ociLayerCount(new File(fixtures, 'oci/unlinked-delta'), '1.1') == 1
return true
