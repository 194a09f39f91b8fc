import io.github.deltaimage.maven.it.ItImages

assert !new File(basedir, 'pom.xml').exists()
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert ItImages.ociImageId(new File(basedir, 'restored'), '1.1') == ItImages.ociImageId(new File(fixtures, 'oci/app'), '1.1')
assert new File(basedir, 'target/deltaimage/apply-report.json').isFile()
return true
