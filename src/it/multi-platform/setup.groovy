// Two releases of a multi-platform image, as OCI image indexes in one layout (${basedir}/multi, tags
// 1.0 and 1.1): linux/amd64 is the app fixture's image of that tag, linux/arm64 the same layers under
// a config that declares arm64. Blobs are hard links to the fixture's, so nothing large is copied.
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import java.nio.file.Files
import java.security.MessageDigest

def app = new File(fixtures, 'oci/app').toPath()
def multi = new File(basedir, 'multi').toPath()
def blobs = multi.resolve('blobs/sha256')
Files.createDirectories(blobs)
Files.writeString(multi.resolve('oci-layout'), '{"imageLayoutVersion":"1.0.0"}')

def sha256 = { byte[] bytes -> 'sha256:' + MessageDigest.getInstance('SHA-256').digest(bytes).encodeHex().toString() }
def put = { byte[] bytes ->
  def digest = sha256(bytes)
  def file = blobs.resolve(digest.substring(7))
  if (!Files.exists(file)) {
    Files.write(file, bytes)
  }
  digest
}
def link = { String digest ->
  def file = blobs.resolve(digest.substring(7))
  if (!Files.exists(file)) {
    Files.createLink(file, app.resolve('blobs/sha256').resolve(digest.substring(7)))
  }
}

def json = new JsonSlurper()
def top = json.parse(app.resolve('index.json').toFile())
def entries = []
for (tag in ['1.0', '1.1']) {
  def entry = top.manifests.find { it.annotations?.get('org.opencontainers.image.ref.name') == tag }
  assert entry != null : "the app fixture has no tag $tag"
  byte[] manifestBytes = Files.readAllBytes(app.resolve('blobs/sha256').resolve(entry.digest.substring(7)))
  def manifest = json.parse(manifestBytes)
  manifest.layers.each { link(it.digest) }
  link(manifest.config.digest)
  put(manifestBytes)

  def config = json.parse(Files.readAllBytes(app.resolve('blobs/sha256').resolve(manifest.config.digest.substring(7))))
  config.architecture = 'arm64'
  byte[] armConfig = JsonOutput.toJson(config).getBytes('UTF-8')
  manifest.config.digest = put(armConfig)
  manifest.config.size = armConfig.length
  byte[] armManifest = JsonOutput.toJson(manifest).getBytes('UTF-8')
  def armDigest = put(armManifest)

  def index = JsonOutput.toJson([
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
          [mediaType: entry.mediaType, digest: entry.digest, size: entry.size,
           platform: [architecture: 'amd64', os: 'linux']],
          [mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: armDigest, size: armManifest.length,
           platform: [architecture: 'arm64', os: 'linux']]]]).getBytes('UTF-8')
  def indexDigest = put(index)
  entries << [mediaType: 'application/vnd.oci.image.index.v1+json', digest: indexDigest, size: index.length,
              annotations: ['org.opencontainers.image.ref.name': tag]]
}
Files.writeString(multi.resolve('index.json'), JsonOutput.toJson([schemaVersion: 2, manifests: entries]))
return true
