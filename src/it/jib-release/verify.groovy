// Two Jib releases, the delta made on deploy, and the restores: image ID everywhere, and the
// manifest digest where the destination keeps the target's manifest (registry, OCI layout).
import io.github.deltaimage.maven.it.ItImages
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
def registry = ItImages.env('DELTAIMAGE_TEST_REGISTRY')
def json = new JsonSlurper()
def targetId = ItImages.registryImageId(registry, 'maven-it/jib-app', '1.1', false)
def targetManifest = ItImages.registryManifestDigest(registry, 'maven-it/jib-app', '1.1')
assert targetId != null && targetManifest != null : 'Jib pushed release 1.1'
assert log.contains("Built and pushed image as ${registry}/maven-it/jib-app:1.1")
assert !(log =~ /(?i)https?:\/\/(?!127\.0\.0\.1|localhost)[a-z0-9.-]+\.[a-z]{2,}\/v2\//) : 'Jib reached no registry but the local one'

// deploy ran deltaimage:diff after Jib, into the default sibling repository
// (the first ':diff (release-delta)' is release 1.0's, skipped)
assert log.indexOf('Built and pushed image as ' + registry + '/maven-it/jib-app:1.1') < log.lastIndexOf(':diff (release-delta) @ jib-release')
assert log.contains("writing the delta to docker://${registry}/maven-it/jib-app-delta:1.1")
def diff = json.parse(new File(basedir, 'target/deltaimage/diff-report.json'))
assert diff.targetImageId == targetId
assert diff.applyWillReproduce.imageId == targetId
assert diff.applyWillReproduce.targetManifestDigest == targetManifest
assert diff.applyWillReproduce.manifestDigest == true : 'Jib\'s blobs are java.util.zip\'s, the base blobs shared: ' + diff.applyWillReproduce.layers
assert diff.deltaManifestDigest == ItImages.registryManifestDigest(registry, 'maven-it/jib-app-delta', '1.1')
assert diff.sizes.targetCompressed == true
assert diff.sizes.newLayers >= 1 && diff.sizes.newLayers < diff.sizes.targetLayers : 'the base and the classes layer are shared'
assert diff.sizes.deltaLayerBytes < diff.sizes.newLayersStoredBytes : 'the delta is smaller than the new layers'
assert log =~ /\[INFO\] Target [0-9.]+ [kMG]?B \(\d+ layer blobs, compressed\); new layers [0-9.]+ [kMG]?B \(\d+ blobs? the source does not store\); delta layer [0-9.]+ [kMG]?B: [0-9.]+ % of the target, [0-9.]+ % of the new layers/
assert log.contains("[INFO] Apply will restore image ID ${targetId} and manifest digest ${targetManifest}")

// the consumer's three restores
def reports = ['registry', 'daemon', 'oci'].collectEntries { [it, json.parse(new File(basedir, "target/deltaimage/$it/apply-report.json"))] }
reports.each { where, report ->
  assert report.targetImageId == targetId : where
  assert report.targetManifestDigest == targetManifest : where
  assert report.sizes.targetStoredBytes == diff.sizes.targetStoredBytes : "$where: apply and diff give the same figures"
  assert report.sizes.deltaLayerBytes == diff.sizes.deltaLayerBytes : where
}
assert ItImages.registryImageId(registry, 'maven-it/jib-app-restored', '1.1', false) == targetId
assert ItImages.registryManifestDigest(registry, 'maven-it/jib-app-restored', '1.1') == targetManifest : 'the very manifest'
assert reports.registry.manifestExact == true && reports.registry.restoredManifestDigest == targetManifest
assert ItImages.daemonImageId('deltaimage-it/jib-app:1.1') == targetId
def oci = new File(basedir, 'target/restored-oci')
assert ItImages.ociImageId(oci, '1.1') == targetId
// An OCI layout keeps the target's (Docker-format) manifest when every blob is the target's; the report says which.
assert reports.oci.restoredManifestDigest == ItImages.ociManifestDigest(oci, '1.1')
assert reports.oci.manifestExact == (ItImages.ociManifestDigest(oci, '1.1') == targetManifest)
assert log.contains("[INFO] Restored image ID ${targetId} into docker://${registry}/maven-it/jib-app-restored:1.1 with manifest ${targetManifest} = the target's")
return true
