namespace Nono.Action.Tests.Network;

/// <summary>A Python script that tries every direct way out and prints one line per channel: NAME ok|fail ERRNO.</summary>
internal static class NetworkProbe
{
    public const string Script = """
        import ctypes, os, socket, sys
        http, other, udp, dns = map(int, sys.argv[1:5]); path, abstract = sys.argv[5], sys.argv[6]
        def report(name, fn):
            try:
                fn(); print(name, "ok")
            except OSError as e:
                print(name, "fail", e.errno)
        def tcp(port):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
        def udp_send():
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"nono-udp", ("127.0.0.1", udp))
        def dns_query():
            # Connected, so that a port nobody listens on answers ECONNREFUSED at once instead of a silent timeout.
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5); s.connect(("127.0.0.1", dns))
            s.send(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03api\x04test\x00\x00\x01\x00\x01")
            s.recv(512)
        def unix(address):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.settimeout(5); s.connect(address); s.close()
        def uring():
            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.syscall(425, 4, ctypes.create_string_buffer(120))
            if fd < 0:
                raise OSError(ctypes.get_errno(), "io_uring_setup")
            os.close(fd)
        report("tcp-http", lambda: tcp(http))
        report("tcp-other", lambda: tcp(other))
        report("udp", udp_send)
        report("dns", dns_query)
        report("unix-path", lambda: unix(path))
        report("unix-abstract", lambda: unix("\0" + abstract))
        report("raw", lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close())
        report("packet", lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0).close())
        report("icmp-dgram", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP).close())
        report("udplite", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 136).close())
        report("io_uring", uring)
        """;

    /// <summary>Parses the probe's output: channel name to "ok" or the errno.</summary>
    public static Dictionary<string, string> Parse(string output)
    {
        Dictionary<string, string> result = [];
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = line.Split(' ');
            if (parts.Length >= 2 && parts[1] is "ok" or "fail")
            {
                result[parts[0]] = parts[1] == "ok" ? "ok" : parts.Length > 2 ? parts[2] : "?";
            }
        }

        return result;
    }
}
