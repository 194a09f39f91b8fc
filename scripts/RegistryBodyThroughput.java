// Reads one blob of N MiB from a loopback HTTP server twice per round: through the JDK's own
// BodyHandlers.ofInputStream (no read timeout) and through RegistryClient.openBlob (read timeout,
// per-blob bound, resume), and prints MiB/s for each. Run by scripts/bench-registry-body.sh.
import com.sun.net.httpserver.HttpServer;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.transport.registry.RegistryClient;
import io.github.deltaimage.transport.registry.credentials.CredentialResolver;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

public class RegistryBodyThroughput {
  public static void main(String[] args) throws Exception {
    long size = Long.parseLong(args.length > 0 ? args[0] : "512") << 20;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    byte[] chunk = new byte[1 << 20];
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", x -> {
      x.sendResponseHeaders(200, size);
      try (OutputStream o = x.getResponseBody()) {
        for (long i = 0; i < size; i += chunk.length) {
          o.write(chunk);
        }
      }
    });
    server.start();
    String host = "127.0.0.1:" + server.getAddress().getPort();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    RegistryClient client = new RegistryClient(host, new CredentialResolver(null, Map.of(), Path.of("/nonexistent")), Set.of(), io.github.deltaimage.api.RetryPolicy.DEFAULT);
    byte[] buf = new byte[64 * 1024];
    System.out.println("| MiB | JDK ofInputStream MiB/s | RegistryClient.openBlob MiB/s |");
    System.out.println("|---:|---:|---:|");
    for (int round = 0; round < rounds; round++) {
      long t0 = System.nanoTime();
      HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + host + "/v2/x/blobs/y")).build();
      try (InputStream in = http.send(get, HttpResponse.BodyHandlers.ofInputStream()).body()) {
        while (in.read(buf) >= 0) {}
      }
      long t1 = System.nanoTime();
      try (InputStream in = client.openBlob("x", Digest.sha256(new byte[0]), size, "bench")) {
        while (in.read(buf) >= 0) {}
      }
      long t2 = System.nanoTime();
      double mib = size >> 20;
      System.out.printf("| %.0f | %.0f | %.0f |%n", mib, mib / ((t1 - t0) / 1e9), mib / ((t2 - t1) / 1e9));
    }
    server.stop(0);
  }
}
