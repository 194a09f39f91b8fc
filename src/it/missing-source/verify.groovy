def log = new File(basedir, 'build.log').text
def error = log.readLines().find { it.startsWith('[ERROR] Failed to execute goal') }
assert error != null
assert error.contains('this delta is unlinked')
assert error.contains('with <source> (-Ddeltaimage.source)') : 'Maven words, not the command line\'s'
assert !error.contains('--source')
assert log.contains('org.apache.maven.plugin.MojoFailureException')
assert !new File(basedir, 'target/restored').exists() : 'nothing written'
return true
