package io.github.deltaimage.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a front end can set for a run of deltaimage, in one immutable value: the delta engine
 * (which xdelta3, how hard, how many threads, where to spool), the registries (logins, plain HTTP,
 * retries, timeouts, upload chunks), the platform to take from an index, and the one listener told
 * about steps, file decisions and blobs.
 *
 * <p>Start from {@link #defaults()} and change what you need with the {@code with} methods, or with
 * {@link #toBuilder()} for several at once.
 */
public final class DeltaOptions {

  private final Optional<Path> xdelta3;
  private final Xdelta3Settings xdelta3Settings;
  private final DeltaEngine engine;
  private final int threads;
  private final Path tempDirectory;
  private final DeltaEventListener listener;
  private final Optional<Credentials> sourceCredentials;
  private final Optional<Credentials> destinationCredentials;
  private final CredentialProvider credentialProvider;
  private final Optional<Platform> platform;
  private final Set<String> plainHttpHosts;
  private final long chunkSize;
  private final int gzipLevel;
  private final RetryPolicy retry;
  private final RegistryTimeouts registryTimeouts;
  private final Map<String, String> environment;
  private final Path home;

  private DeltaOptions(Builder b) {
    this.xdelta3 = Objects.requireNonNull(b.xdelta3, "xdelta3");
    this.xdelta3Settings = Objects.requireNonNull(b.xdelta3Settings, "xdelta3Settings");
    this.engine = Objects.requireNonNull(b.engine, "engine");
    if (b.threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + b.threads);
    }
    this.threads = b.threads;
    this.tempDirectory = Objects.requireNonNull(b.tempDirectory, "tempDirectory");
    this.listener = Objects.requireNonNull(b.listener, "listener");
    this.sourceCredentials = Objects.requireNonNull(b.sourceCredentials, "sourceCredentials");
    this.destinationCredentials =
        Objects.requireNonNull(b.destinationCredentials, "destinationCredentials");
    this.credentialProvider = Objects.requireNonNull(b.credentialProvider, "credentialProvider");
    this.platform = Objects.requireNonNull(b.platform, "platform");
    this.plainHttpHosts = Set.copyOf(b.plainHttpHosts);
    if (b.chunkSize < 0) {
      throw new IllegalArgumentException("chunkSize must not be negative, was " + b.chunkSize);
    }
    this.chunkSize = b.chunkSize;
    if (b.gzipLevel < 1 || b.gzipLevel > 9) {
      throw new IllegalArgumentException("gzipLevel must be 1 to 9, was " + b.gzipLevel);
    }
    this.gzipLevel = b.gzipLevel;
    this.retry = Objects.requireNonNull(b.retry, "retry");
    this.registryTimeouts = Objects.requireNonNull(b.registryTimeouts, "registryTimeouts");
    this.environment = Map.copyOf(b.environment);
    this.home = Objects.requireNonNull(b.home, "home");
  }

  /**
   * xdelta3 from {@code PATH} with its default settings, one thread a core, {@code java.io.tmpdir},
   * nobody listening; no platform chosen; logins from the Docker config of this process;
   * retries and timeouts as the {@code deltaimage.registry.*} system properties set them.
   */
  public static DeltaOptions defaults() {
    return new Builder().build();
  }

  /** A builder holding {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The xdelta3 binary; empty means the one on {@code PATH}. */
  public Optional<Path> xdelta3() {
    return xdelta3;
  }

  /** How xdelta3 encodes (directory format, and image layers when {@link #engine()} is xdelta3). */
  public Xdelta3Settings xdelta3Settings() {
    return xdelta3Settings;
  }

  /** The engine image layer streams are encoded with ({@link DeltaEngine#SMALLEST} unless set). */
  public DeltaEngine engine() {
    return engine;
  }

  /** These options with another engine for image layer streams. */
  public DeltaOptions withEngine(DeltaEngine newEngine) {
    return toBuilder().engine(newEngine).build();
  }

  /** How many files or layers are worked on at once. */
  public int threads() {
    return threads;
  }

  /** Where run directories (spooled layers, decoded files) are created. */
  public Path tempDirectory() {
    return tempDirectory;
  }

  /** What is told about steps, file decisions, blobs and logins; calls may come from several threads. */
  public DeltaEventListener listener() {
    return listener;
  }

  /** The login for the registry images are read from, if given explicitly. */
  public Optional<Credentials> sourceCredentials() {
    return sourceCredentials;
  }

  /** The login for the registry an image is written to, if given explicitly. */
  public Optional<Credentials> destinationCredentials() {
    return destinationCredentials;
  }

  /** A front end's own logins, asked after the explicit ones and before the Docker config. */
  public CredentialProvider credentialProvider() {
    return credentialProvider;
  }

  /**
   * The platform taken from a multi-platform image; empty when none was chosen: reads of one image
   * take this machine's, and a delta of two indexes covers every platform.
   */
  public Optional<Platform> platform() {
    return platform;
  }

  /**
   * Registry hosts ({@code host} or {@code host:port}) spoken to over plain HTTP besides localhost,
   * 127.0.0.1 and [::1], which always are.
   */
  public Set<String> plainHttpHosts() {
    return plainHttpHosts;
  }

  /** Blobs larger than this are uploaded in chunks of this size; 0 means always in one request. */
  public long chunkSize() {
    return chunkSize;
  }

  /** The gzip level for layers that must be compressed anew (from archives or the daemon), 1 to 9. */
  public int gzipLevel() {
    return gzipLevel;
  }

  /** How registry requests are retried. */
  public RetryPolicy retry() {
    return retry;
  }

  /** How long a registry may keep us waiting. */
  public RegistryTimeouts registryTimeouts() {
    return registryTimeouts;
  }

  /** The environment in which {@code DOCKER_CONFIG} and {@code DOCKER_HOST} are looked up. */
  public Map<String, String> environment() {
    return environment;
  }

  /** The home directory holding {@code .docker/config.json}. */
  public Path home() {
    return home;
  }

  /** These options with another xdelta3 binary ({@code null}: the one on {@code PATH}). */
  public DeltaOptions withXdelta3(Path binary) {
    return toBuilder().xdelta3(binary).build();
  }

  /** These options with other xdelta3 settings. */
  public DeltaOptions withXdelta3Settings(Xdelta3Settings settings) {
    return toBuilder().xdelta3Settings(settings).build();
  }

  /** These options with another thread count. */
  public DeltaOptions withThreads(int count) {
    return toBuilder().threads(count).build();
  }

  /** These options with another directory for run directories. */
  public DeltaOptions withTempDirectory(Path directory) {
    return toBuilder().tempDirectory(directory).build();
  }

  /** These options with another listener. */
  public DeltaOptions withListener(DeltaEventListener newListener) {
    return toBuilder().listener(newListener).build();
  }

  /** These options with another platform. */
  public DeltaOptions withPlatform(Platform newPlatform) {
    return toBuilder().platform(newPlatform).build();
  }

  /** Sets options one by one; {@link #build()} checks them. Not thread-safe. */
  public static final class Builder {
    private Optional<Path> xdelta3 = Optional.empty();
    private Xdelta3Settings xdelta3Settings = Xdelta3Settings.defaults();
    private DeltaEngine engine = DeltaEngine.SMALLEST;
    private int threads = Runtime.getRuntime().availableProcessors();
    private Path tempDirectory = Path.of(System.getProperty("java.io.tmpdir"));
    private DeltaEventListener listener = DeltaEventListener.NONE;
    private Optional<Credentials> sourceCredentials = Optional.empty();
    private Optional<Credentials> destinationCredentials = Optional.empty();
    private CredentialProvider credentialProvider = CredentialProvider.NONE;
    private Optional<Platform> platform = Optional.empty();
    private Set<String> plainHttpHosts = Set.of();
    private long chunkSize = 512L * 1024 * 1024;
    private int gzipLevel = 6;
    private RetryPolicy retry = RetryPolicy.fromSystemProperties();
    private RegistryTimeouts registryTimeouts = RegistryTimeouts.fromSystemProperties();
    private Map<String, String> environment = System.getenv();
    private Path home = Path.of(System.getProperty("user.home"));

    private Builder() {}

    private Builder(DeltaOptions o) {
      xdelta3 = o.xdelta3;
      xdelta3Settings = o.xdelta3Settings;
      engine = o.engine;
      threads = o.threads;
      tempDirectory = o.tempDirectory;
      listener = o.listener;
      sourceCredentials = o.sourceCredentials;
      destinationCredentials = o.destinationCredentials;
      credentialProvider = o.credentialProvider;
      platform = o.platform;
      plainHttpHosts = o.plainHttpHosts;
      chunkSize = o.chunkSize;
      gzipLevel = o.gzipLevel;
      retry = o.retry;
      registryTimeouts = o.registryTimeouts;
      environment = o.environment;
      home = o.home;
    }

    /** See {@link DeltaOptions#xdelta3()}; {@code null} means the one on {@code PATH}. */
    public Builder xdelta3(Path binary) {
      xdelta3 = Optional.ofNullable(binary);
      return this;
    }

    /** See {@link DeltaOptions#xdelta3Settings()}. */
    public Builder xdelta3Settings(Xdelta3Settings settings) {
      xdelta3Settings = settings;
      return this;
    }

    /** See {@link DeltaOptions#engine()}. */
    public Builder engine(DeltaEngine newEngine) {
      engine = newEngine;
      return this;
    }

    /** See {@link DeltaOptions#threads()}. */
    public Builder threads(int count) {
      threads = count;
      return this;
    }

    /** See {@link DeltaOptions#tempDirectory()}. */
    public Builder tempDirectory(Path directory) {
      tempDirectory = directory;
      return this;
    }

    /** See {@link DeltaOptions#listener()}. */
    public Builder listener(DeltaEventListener newListener) {
      listener = newListener;
      return this;
    }

    /** See {@link DeltaOptions#sourceCredentials()}; {@code null} for none. */
    public Builder sourceCredentials(Credentials credentials) {
      sourceCredentials = Optional.ofNullable(credentials);
      return this;
    }

    /** See {@link DeltaOptions#destinationCredentials()}; {@code null} for none. */
    public Builder destinationCredentials(Credentials credentials) {
      destinationCredentials = Optional.ofNullable(credentials);
      return this;
    }

    /** See {@link DeltaOptions#credentialProvider()}. */
    public Builder credentialProvider(CredentialProvider provider) {
      credentialProvider = provider;
      return this;
    }

    /** See {@link DeltaOptions#platform()}; {@code null} for none chosen. */
    public Builder platform(Platform newPlatform) {
      platform = Optional.ofNullable(newPlatform);
      return this;
    }

    /** See {@link DeltaOptions#plainHttpHosts()}. */
    public Builder plainHttpHosts(Set<String> hosts) {
      plainHttpHosts = hosts;
      return this;
    }

    /** See {@link DeltaOptions#chunkSize()}. */
    public Builder chunkSize(long bytes) {
      chunkSize = bytes;
      return this;
    }

    /** See {@link DeltaOptions#gzipLevel()}. */
    public Builder gzipLevel(int level) {
      gzipLevel = level;
      return this;
    }

    /** See {@link DeltaOptions#retry()}. */
    public Builder retry(RetryPolicy policy) {
      retry = policy;
      return this;
    }

    /** See {@link DeltaOptions#registryTimeouts()}. */
    public Builder registryTimeouts(RegistryTimeouts timeouts) {
      registryTimeouts = timeouts;
      return this;
    }

    /** See {@link DeltaOptions#environment()}. */
    public Builder environment(Map<String, String> variables) {
      environment = variables;
      return this;
    }

    /** See {@link DeltaOptions#home()}. */
    public Builder home(Path directory) {
      home = directory;
      return this;
    }

    /** The options as set; throws {@link IllegalArgumentException} for values out of range. */
    public DeltaOptions build() {
      return new DeltaOptions(this);
    }
  }
}
