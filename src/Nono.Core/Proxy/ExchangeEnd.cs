namespace Nono.Core.Proxy;

/// <summary>How one request exchange with an upstream ended, as far as the client connection is concerned.</summary>
internal enum ExchangeEnd
{
    /// <summary>The client connection ends.</summary>
    Close,

    /// <summary>The client connection may carry another request.</summary>
    KeepAlive,

    /// <summary>A reused upstream connection failed before any response byte; the request may go again on a new one.</summary>
    Retry,
}
