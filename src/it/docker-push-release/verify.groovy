// Two releases built by docker build and sent by docker push, the delta made on deploy, and the
// restores: the registry gets the target's very manifest (docker pull by the original digest works),
// the daemon the target's image ID and the same `docker run` output, the OCI layout the image ID.
import io.github.deltaimage.maven.it.ItImages
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
def registry = ItImages.env('DELTAIMAGE_TEST_REGISTRY')
def repo = 'maven-it/docker-app'
def json = new JsonSlurper()
def targetId = ItImages.registryImageId(registry, repo, '1.1', false)
def targetManifest = ItImages.registryManifestDigest(registry, repo, '1.1')
assert targetId != null && targetManifest != null : 'docker push sent release 1.1'
assert log.contains("1.1: digest: ${targetManifest} size:") : 'the digest docker push printed is the one the registry serves'

// What docker push made of the pair: one shared base blob, every layer gzip'd by dockerd.
def sourceBlobs = ItImages.registryLayerDigests(registry, repo, '1.0')
def targetBlobs = ItImages.registryLayerDigests(registry, repo, '1.1')
assert targetBlobs.size() == 4 && sourceBlobs.size() == 4 : 'the base and three layers from the Dockerfile'
assert targetBlobs[0] == sourceBlobs[0] : 'both releases share the pushed base blob'
assert targetBlobs.drop(1).disjoint(sourceBlobs) : 'the Dockerfile layers are new in 1.1'
assert ItImages.registryLayerMediaTypes(registry, repo, '1.1').every { it == 'application/vnd.docker.image.rootfs.diff.tar.gzip' }

// deploy ran deltaimage:diff after docker push, into the default sibling repository
assert log.indexOf('1.1: digest: ' + targetManifest) < log.lastIndexOf(':diff (release-delta) @ docker-push-release')
assert log.contains("writing the delta to docker://${registry}/${repo}-delta:1.1")
def diff = json.parse(new File(basedir, 'target/deltaimage/diff-report.json'))
assert diff.targetImageId == targetId
assert diff.applyWillReproduce.imageId == targetId
assert diff.applyWillReproduce.targetManifestDigest == targetManifest
assert diff.applyWillReproduce.manifestDigest == true : 'Go\'s gzip is rebuilt blob for blob: ' + diff.applyWillReproduce.layers
assert diff.applyWillReproduce.layers[0].why == 'shared with the source: the same blob, kept'
assert diff.applyWillReproduce.layers.drop(1).every { it.blobExact && it.why.contains('rebuilt by the compressor that made it') }
assert diff.deltaManifestDigest == ItImages.registryManifestDigest(registry, "${repo}-delta", '1.1')
assert diff.sizes.targetCompressed == true
assert diff.sizes.newLayers == 3 && diff.sizes.targetLayers == 4
assert diff.sizes.deltaLayerBytes < diff.sizes.newLayersStoredBytes : 'the delta is smaller than the new layers'
assert log.contains("[INFO] Apply will restore image ID ${targetId} and manifest digest ${targetManifest}")
println "docker-push-release: target ${diff.sizes.targetStoredBytes} B stored, new layers ${diff.sizes.newLayersStoredBytes} B, delta layer ${diff.sizes.deltaLayerBytes} B"

// -B: one line per step as it ends, with its time and, for an encoded layer, its sizes; one per item written
assert log =~ /\[INFO\] Encoding target layer 2\/4: [0-9.]+ s, 1 file: [0-9.]+ kB in the target, [0-9.]+ kB in the delta/
assert log =~ /\[INFO\] Rebuilding target layer 2\/4: [0-9.]+ s/
assert log =~ /\[INFO\]   blob [0-9a-f]{12}: [0-9.]+ kB written in [0-9.]+ s/
// into the daemon, what moves are layer tars, named by diff_id
def daemonPart = log.substring(log.indexOf(':apply (restore-daemon)'), log.indexOf(':apply (restore-oci)'))
assert daemonPart =~ /\[INFO\]   layer tar [0-9a-f]{12}: [0-9.]+ MB written in [0-9.]+ s/
assert !(daemonPart =~ /\[INFO\]   blob /)

// the consumer's three restores
def reports = ['registry', 'daemon', 'oci'].collectEntries { [it, json.parse(new File(basedir, "target/deltaimage/$it/apply-report.json"))] }
reports.each { where, report ->
  assert report.targetImageId == targetId : where
  assert report.targetManifestDigest == targetManifest : where
  assert report.sizes.targetStoredBytes == diff.sizes.targetStoredBytes : "$where: apply and diff give the same figures"
}

// registry: the target's very manifest, and docker pulls it by the original digest
assert reports.registry.manifestExact == true && reports.registry.restoredManifestDigest == targetManifest
assert ItImages.registryManifestDigest(registry, "${repo}-restored", '1.1') == targetManifest
assert log.contains("[INFO] Restored image ID ${targetId} into docker://${registry}/${repo}-restored:1.1 with manifest ${targetManifest} = the target's")

// daemon: the target's image ID (its layers loaded and checked: the consumer removed the pushed
// release first) and the same output as the release's smoke test
def daemonRef = 'deltaimage-it/docker-app:1.1'
assert log.contains("Untagged: ${registry}/${repo}:1.1") : 'the consumer forgot the pushed release'
assert ItImages.daemonImageId(daemonRef) == targetId
// the daemon stores tars: the report speaks of tars checked against their diff_ids, not of blobs
assert reports.daemon.layersWrittenAs == 'tars' && reports.registry.layersWrittenAs == 'blobs'
assert reports.daemon.layers.every { it.tarChecked == true && it.blobExact == null && it.why.endsWith('checked against its diff_id; this output stores layer tars, so blob bytes are not used') } : reports.daemon.layers
assert reports.registry.layers.every { it.blobExact == true } : reports.registry.layers
assert log.contains("[INFO] Restored image ID ${targetId} into docker-daemon:${daemonRef} (every layer tar checked against its diff_id")
def released = new File(basedir, 'target/smoke-test-1.1.txt').text
assert released.startsWith('docker-app 1.1, built 1.1')
assert ItImages.docker('run', '--rm', '--network=none', daemonRef) == released

// OCI layout: the image ID
def oci = new File(basedir, 'target/restored-oci')
assert ItImages.ociImageId(oci, '1.1') == targetId
assert reports.oci.restoredManifestDigest == ItImages.ociManifestDigest(oci, '1.1')

// No copy of release 1.1 left in the daemon, then docker pull by the original digest from the restored repository
ItImages.docker('rmi', daemonRef)
assert ItImages.daemonImageId(targetId) == null : 'release 1.1 is gone from the daemon'
def byDigest = "${registry}/${repo}-restored@${targetManifest}"
ItImages.docker('pull', byDigest)
assert ItImages.docker('image', 'inspect', '--format', '{{.Id}}', byDigest).strip() == targetId
assert ItImages.docker('run', '--rm', '--network=none', byDigest) == released

// Leave the daemon as it was (vfs keeps every layer of every image in full).
ItImages.docker('rmi', byDigest)
ItImages.daemonRemove("${registry}/${repo}:1.0".toString())
return true
