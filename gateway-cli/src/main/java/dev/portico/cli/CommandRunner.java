package dev.portico.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command of the operating system, such as {@code systemctl --user daemon-reload}, and
 * reports how it ended. {@code portico gateway service} runs the service manager's commands
 * through one; tests give it one that records the commands instead of running them.
 */
@FunctionalInterface
interface CommandRunner {
    /**
     * Runs a command and waits for it to end.
     *
     * @param argv the program and its arguments
     * @return its exit code and what it printed
     * @throws IOException when it could not be started, or did not end in time
     */
    Result run(List<String> argv) throws IOException;

    /**
     * How a command ended.
     *
     * @param exitCode its exit code
     * @param output what it printed, standard output and standard error together
     */
    record Result(int exitCode, String output) {
        /**
         * The last line of the output that is not blank, which is where service managers say what
         * went wrong.
         *
         * @return the line, or an empty string when the command printed nothing
         */
        String lastLine() {
            List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
        }
    }

    /** Runs commands as processes, each for at most a minute. */
    CommandRunner SYSTEM = new CommandRunner() {
        private static final Duration LIMIT = Duration.ofMinutes(1);
        private static final int MAX_OUTPUT = 1 << 20;

        @Override
        public Result run(List<String> argv) throws IOException {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            p.getOutputStream().close();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (InputStream in = p.getInputStream()) {
                    byte[] buf = new byte[8192];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        synchronized (output) {
                            if (output.size() < MAX_OUTPUT) {
                                output.write(buf, 0, n);
                            }
                        }
                    }
                } catch (IOException e) {
                    // The process ended or was destroyed; what was read so far is the output.
                }
            });
            try {
                if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("did not end within " + LIMIT.toSeconds() + " s");
                }
                reader.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            synchronized (output) {
                return new Result(p.exitValue(), output.toString(Charset.forName(
                        System.getProperty("native.encoding", "UTF-8"), Charset.defaultCharset())));
            }
        }
    };
}
