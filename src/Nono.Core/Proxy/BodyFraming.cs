namespace Nono.Core.Proxy;

/// <summary>How a message body is delimited.</summary>
internal enum BodyFraming
{
    None,
    ContentLength,
    Chunked,
    UntilClose,
}
