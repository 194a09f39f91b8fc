import io.github.deltaimage.maven.it.ItImages
// Pin the base under this IT's own tag: another test run on a shared machine may rebuild
// deltaimage-test/debian meanwhile. And drop what an earlier run left in the daemon, so that only
// this run's images can make the checks pass (vfs also keeps every layer in full).
ItImages.env('DOCKER_HOST')
def registry = ItImages.env('DELTAIMAGE_TEST_REGISTRY')
if (ItImages.daemonImageId('deltaimage-test/debian:new') == null) {
  throw new IllegalStateException('the test daemon has no deltaimage-test/debian:new; ./run test (or ./run fixtures) builds it')
}
ItImages.daemonTag('deltaimage-test/debian:new', 'deltaimage-it/docker-base', 'debian')
for (ref in ["$registry/maven-it/docker-app:1.0", "$registry/maven-it/docker-app:1.1", 'deltaimage-it/docker-app:1.1']) {
  ItImages.daemonRemove(ref.toString())
}
return true
