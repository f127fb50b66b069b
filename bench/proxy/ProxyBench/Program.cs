using ProxyBench;

// Usage (see ../run.sh):
//   serve-proxy <port-file> <origin-port>         host the Nono egress proxy (origin port allowed) until stdin closes
//   origin <port-file>                             the loopback origin server (sink, HTTP responder, holder)
//   throughput <proxy|-> <auth|-> <host> <port> <bytes>
//   latency <proxy|-> <auth|-> <host> <port> <concurrency> <requests>
//   tunnels <proxy> <auth|-> <host> <port> <count> <proxy-pid>
//   reverse-latency <requests>                     c=1 latency through a credential route to a local HTTPS origin
return args.Length == 0 ? 2 : args[0] switch
{
    "serve-proxy" => await ProxyHost.RunAsync(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)), // with the supervisor's socket setting (SocketContinuations)
    "origin" => await OriginServer.RunAsync(args[1]),
    "throughput" => await Throughput.RunAsync(Dialer.From(args[1], args[2], args[3], int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)), long.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture)),
    "latency" => await Latency.RunAsync(Dialer.From(args[1], args[2], args[3], int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)), int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[6], System.Globalization.CultureInfo.InvariantCulture)),
    "tunnels" => await Tunnels.RunAsync(Dialer.From(args[1], args[2], args[3], int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)), int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[6], System.Globalization.CultureInfo.InvariantCulture)),
    "reverse-latency" => await ReverseLatency.RunAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)),
    _ => 2,
};
