using Nono.Core.Diagnostics;

namespace Nono.Core.Trust.Keyless;

/// <summary>Sends a request; a service that cannot be reached is a one-line <see cref="NonoException"/>, not a crash.</summary>
internal static class KeylessHttp
{
    public static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, string service, CancellationToken cancellationToken) =>
        SendAsync(http, request, service, HttpCompletionOption.ResponseContentRead, cancellationToken);

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, string service, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new NonoException(NonoErrorCode.Io, $"cannot reach {service} at {request.RequestUri}: {ex.Message}", inner: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NonoException(NonoErrorCode.Io, $"{service} at {request.RequestUri} did not answer in time", inner: ex);
        }
    }
}
