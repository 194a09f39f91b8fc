def log = new File(basedir, 'build.log').text
assert log.contains('deltaimage:help') : 'the help goal lists itself'
assert log.contains('deltaimage:diff') && log.contains('deltaimage:apply')
// Parameter javadoc is the documentation: each parameter shows with its user property.
for (p in ['source', 'target', 'delta', 'unlinked', 'engine', 'platform', 'xdelta3', 'allowInsecureRegistries', 'skip', 'output']) {
  assert log.contains("User property: deltaimage.$p") : "help documents deltaimage.$p"
}
assert log.contains('BUILD SUCCESS')
