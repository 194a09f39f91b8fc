def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] Skipping deltaimage:diff: <skip> (-Ddeltaimage.skip) is true')
assert log.contains('[INFO] Skipping deltaimage:apply: <skip> (-Ddeltaimage.skip) is true')
assert !new File(basedir, 'target/deltaimage').exists()
assert log.contains('BUILD SUCCESS')
return true
