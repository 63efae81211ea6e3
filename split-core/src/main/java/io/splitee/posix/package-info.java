/**
 * The few C library calls Java 17 lacks, through JNA and nowhere else: sending datagrams on an {@code AF_UNIX}
 * datagram socket ({@link io.splitee.posix.UnixDatagramSocket}, for systemd's notification socket) and setting a
 * variable in the process's environment for native libraries to read ({@link io.splitee.posix.ProcessEnvironment}).
 * Linux's constants; elsewhere the calls fail with an exception naming the platform. JNA unpacks its native library
 * into the JVM's temporary directory ({@code jna.tmpdir}), never under the user's home.
 */
package io.splitee.posix;
