namespace Nono.Core.Proxy;

/// <summary>Outcome of reading an HTTP message head.</summary>
internal enum HeadReadStatus
{
    Ok,
    EndOfStream,
    TooLarge,
    Truncated,
}
