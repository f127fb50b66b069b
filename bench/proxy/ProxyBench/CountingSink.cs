using Nono.Core.Proxy;

namespace ProxyBench;

/// <summary>Counts events (stands in for the audit log without disk I/O).</summary>
internal sealed class CountingSink : IProxyEventSink
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Record(ProxyEvent proxyEvent) => Interlocked.Increment(ref _count);
}
