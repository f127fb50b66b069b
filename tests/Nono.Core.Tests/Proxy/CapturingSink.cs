using System.Collections.Concurrent;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

internal sealed class CapturingSink : IProxyEventSink
{
    private readonly ConcurrentQueue<ProxyEvent> _events = new();

    public IReadOnlyList<ProxyEvent> Events => [.. _events];

    public void Record(ProxyEvent proxyEvent) => _events.Enqueue(proxyEvent);
}
