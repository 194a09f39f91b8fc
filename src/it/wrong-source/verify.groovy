def log = new File(basedir, 'build.log').text
def error = log.readLines().find { it.startsWith('[ERROR] Failed to execute goal') }
assert error != null
assert error.contains('wrong source image')
assert error.contains('<source> (-Ddeltaimage.source)')
assert log.contains('org.apache.maven.plugin.MojoFailureException')
assert !new File(basedir, 'target/restored').exists() : 'nothing written'
assert !new File(basedir, 'target/deltaimage').exists()
return true
