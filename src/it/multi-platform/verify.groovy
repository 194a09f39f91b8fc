import groovy.json.JsonSlurper

def json = new JsonSlurper()
def target = json.parse(new File(basedir, 'multi/index.json')).manifests.find {
  it.annotations['org.opencontainers.image.ref.name'] == '1.1'
}
def restored = json.parse(new File(basedir, 'target/restored/index.json')).manifests
assert restored.size() == 1
assert restored[0].mediaType == 'application/vnd.oci.image.index.v1+json'
assert restored[0].digest == target.digest : 'the restored index is the target\'s, digest and all'

def log = new File(basedir, 'build.log').text
assert log.contains('Apply will restore index ' + target.digest + ' byte for byte')
assert log =~ /\[INFO\]   linux\/amd64: image [0-9a-f]{12}, delta layer/
assert log =~ /\[INFO\]   linux\/arm64: image [0-9a-f]{12}, delta layer/
assert log.contains('Restored index ' + target.digest + ' of 2 platforms into')

def diff = json.parse(new File(basedir, 'target/deltaimage/diff-report.json'))
assert diff.index == true
assert diff.platforms*.platform == ['linux/amd64', 'linux/arm64']
assert diff.platforms.every { !it.carriedWhole && it.manifestExact }
def apply = json.parse(new File(basedir, 'target/deltaimage/apply-report.json'))
assert apply.manifestExact == true
assert apply.restoredManifestDigest == target.digest
return true
