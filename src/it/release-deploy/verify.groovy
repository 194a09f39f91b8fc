import io.github.deltaimage.maven.it.ItImages
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
def registry = ItImages.env('DELTAIMAGE_TEST_REGISTRY')
assert new File(basedir, 'target/release-repo/io/github/deltaimage/it/release-deploy/1.0/release-deploy-1.0.pom').isFile()
def deployAt = log.indexOf('maven-deploy-plugin:3.1.4:deploy')
def diffAt = log.indexOf(':diff (default) @ release-deploy')
assert deployAt > 0 && diffAt > deployAt : 'diff runs in the deploy phase, after the deploy plugin'
assert log.contains("writing the delta to docker://${registry}/maven-it/app-delta:1.1") : 'delta defaults to a sibling repository, same tag'
assert log.contains("[INFO] Wrote the delta image docker://${registry}/maven-it/app-delta:1.1 (the delta's own manifest digest: sha256:")
assert ItImages.registryImageId(registry, 'maven-it/app-delta', '1.1', false) != null
def report = new JsonSlurper().parse(new File(basedir, 'target/deltaimage/diff-report.json'))
assert report.targetImageId == ItImages.registryImageId(registry, 'maven-it/app', '1.1', false)
assert new File(basedir, 'target/deltaimage/diff-report.html').isFile()
return true
