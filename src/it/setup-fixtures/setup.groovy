// Fixtures for every other IT, built once from the images ./run test puts in the test daemon:
//   ${fixtures}/oci/app            OCI layout with tags 1.0 and 1.1 (deltaimage-test/app)
//   $DELTAIMAGE_TEST_REGISTRY/maven-it/app:1.0, :1.1        plain registry
//   $DELTAIMAGE_TEST_AUTH_REGISTRY/maven-it/app:1.0, :1.1   htpasswd registry
//   ${fixtures}/oci/unlinked-delta:1.1   an unlinked delta 1.0 -> 1.1 (for the wrong-source case)
// The OCI copies are kept while their image IDs equal the daemon's, so a rerun skips docker save.
import io.github.deltaimage.api.DeltaImage
import io.github.deltaimage.api.DeltaOptions
import io.github.deltaimage.maven.it.ItImages

def started = System.nanoTime()
def registry = ItImages.env('DELTAIMAGE_TEST_REGISTRY')
def authRegistry = ItImages.env('DELTAIMAGE_TEST_AUTH_REGISTRY')
ItImages.env('DOCKER_HOST')

def app = new File(fixtures, 'oci/app')
for (tag in ['1.0', '1.1']) {
  def daemonId = ItImages.daemonImageId("deltaimage-test/app:$tag")
  if (daemonId == null) {
    throw new IllegalStateException("the test daemon has no deltaimage-test/app:$tag; ./run test (or ./run fixtures) builds it")
  }
  if (ItImages.ociImageId(app, tag) != daemonId) {
    println "setup: copying deltaimage-test/app:$tag from the daemon into $app"
    ItImages.copy("docker-daemon:deltaimage-test/app:$tag", "oci:$app:$tag", false)
  }
  ItImages.copy("oci:$app:$tag", "docker://$registry/maven-it/app:$tag", false)
  ItImages.copy("oci:$app:$tag", "docker://$authRegistry/maven-it/app:$tag", true)
}

// Made anew every run: a delta from an earlier build of core may be in a format this one no longer reads.
def unlinked = new File(fixtures, 'oci/unlinked-delta')
unlinked.deleteDir()
println "setup: making the unlinked delta $unlinked"
DeltaImage.diffImages("oci:$app:1.0", "oci:$app:1.1", "oci:$unlinked:1.1", true, DeltaOptions.defaults())
println String.format(Locale.ROOT, 'setup: fixtures ready in %.1f s', (System.nanoTime() - started) / 1e9)
return true
