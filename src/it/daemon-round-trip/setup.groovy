import io.github.deltaimage.maven.it.ItImages
// Pin the fixtures under our own tags: another test run on a shared machine may rebuild
// deltaimage-test/app while this one runs. And an earlier run's images must not make the checks pass.
ItImages.daemonRemove('deltaimage-it/maven-app:restored')
ItImages.daemonRemove('deltaimage-it/maven-app:delta')
ItImages.daemonTag('deltaimage-test/app:1.0', 'deltaimage-it/maven-app', 'source')
ItImages.daemonTag('deltaimage-test/app:1.1', 'deltaimage-it/maven-app', 'target')
return true
