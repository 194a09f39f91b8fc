import io.github.deltaimage.maven.it.ItImages

def log = new File(basedir, 'build.log').text
def registry = ItImages.env('DELTAIMAGE_TEST_AUTH_REGISTRY')
def password = ItImages.env('DELTAIMAGE_TEST_AUTH_PASSWORD')
def user = ItImages.env('DELTAIMAGE_TEST_AUTH_USER')
assert log.contains("Registry ${registry}: using user '${user}' from settings.xml <server> '${registry}'") : 'the log says where the login came from, once per registry, from core\'s event'
assert !log.contains(password) : 'never the secret'
def target = ItImages.registryImageId(registry, 'maven-it/app', '1.1', true)
assert ItImages.registryImageId(registry, 'maven-it/app', '1.1-auth-delta', true) != null : 'the delta was pushed'
assert ItImages.ociImageId(new File(basedir, 'target/restored'), '1.1') == target : 'the restored image ID is the target\'s'
return true
