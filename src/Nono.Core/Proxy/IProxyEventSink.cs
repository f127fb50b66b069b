namespace Nono.Core.Proxy;

/// <summary>Receives one <see cref="ProxyEvent"/> per request or denial. Called concurrently from many connections; must not block.</summary>
public interface IProxyEventSink
{
    /// <summary>Records one event.</summary>
    public void Record(ProxyEvent proxyEvent);
}
