def log = new File(basedir, 'build.log').text
def error = log.readLines().find { it.startsWith('[ERROR] Failed to execute goal') }
assert error != null
assert error.contains('deltaimage:diff:')
assert log.contains('org.apache.maven.plugin.MojoExecutionException') : 'the environment\'s failure is an error, not a failure'
assert log.contains('Caused by: io.github.deltaimage.api.EnvironmentException')
assert !new File(basedir, 'target/delta').exists()
return true
