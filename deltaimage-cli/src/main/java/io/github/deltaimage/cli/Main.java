package io.github.deltaimage.cli;

/** Entry point of the {@code deltaimage} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("deltaimage");
  }
}
