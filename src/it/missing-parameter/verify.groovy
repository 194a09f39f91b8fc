def log = new File(basedir, 'build.log').text
def error = log.readLines().find { it.startsWith('[ERROR] Failed to execute goal') }
assert error != null
assert error.contains('The parameter <target> (-Ddeltaimage.target) is missing')
assert error.contains('-Ddeltaimage.target=')
assert log.contains('org.apache.maven.plugin.MojoFailureException') : 'the user\'s mistake is a failure, not an error'
assert !new File(basedir, 'target/deltaimage').exists()
return true
