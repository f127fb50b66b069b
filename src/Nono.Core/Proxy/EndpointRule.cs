namespace Nono.Core.Proxy;

/// <summary>
/// Allows one method and path pattern on a credential route. Paths are relative to the route
/// (<c>/v1/chat/completions</c>); <c>*</c> matches one segment, <c>**</c> any number of segments.
/// </summary>
/// <param name="Method">HTTP method, or <c>*</c> for any.</param>
/// <param name="PathGlob">Path pattern beginning with <c>/</c>.</param>
public sealed record EndpointRule(string Method, string PathGlob);
