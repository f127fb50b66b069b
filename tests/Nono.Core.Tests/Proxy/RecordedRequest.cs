namespace Nono.Core.Tests.Proxy;

/// <summary>What a test upstream server received: the raw head and the de-chunked body.</summary>
internal sealed record RecordedRequest(string RequestLine, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, string RawHead)
{
    /// <summary>The number of the server connection (1 = first accepted) the request came on.</summary>
    public int Connection { get; init; }

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public bool HasHeader(string name) => Headers.Any(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    public string Target => RequestLine.Split(' ')[1];
}
