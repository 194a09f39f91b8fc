def log = new File(basedir, 'build.log').text
assert log.contains('deltaimage:help') : 'the help goal lists itself'
assert log.contains('BUILD SUCCESS')
