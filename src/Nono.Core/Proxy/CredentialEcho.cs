namespace Nono.Core.Proxy;

/// <summary>
/// An upstream can hand the real credential back in a response header (an echoed Authorization, a redirect whose
/// Location carries a url_path or query_param credential, a debug header). On credential routes every header value is
/// scanned for the credential as sent (raw), percent-encoded and base64-encoded (standard or URL-safe, at any offset:
/// <see cref="Base64Echo"/>), and each occurrence is replaced by the phantom token, which is worthless outside this
/// session's proxy. Bodies are not scanned.
/// </summary>
internal static class CredentialEcho
{
    /// <summary>Masks the credential of <paramref name="route"/> in <paramref name="response"/>'s headers; returns how many values changed.</summary>
    public static int Mask(HttpHead response, ResolvedService route)
    {
        string real = route.RealCredential;
        if (real.Length == 0)
        {
            return 0;
        }

        (string Form, StringComparison Comparison)[] forms =
        [
            (real, StringComparison.Ordinal),
            (Uri.EscapeDataString(real), StringComparison.OrdinalIgnoreCase), // %2f and %2F alike
        ];
        int changed = 0;
        for (int i = 0; i < response.Headers.Count; i++)
        {
            (string name, string value) = response.Headers[i];
            string masked = value;
            foreach ((string form, StringComparison comparison) in forms)
            {
                masked = masked.Replace(form, route.PhantomToken, comparison);
            }

            masked = route.Base64Echo.Mask(masked); // at any offset: Basic base64(user:token)
            if (!ReferenceEquals(masked, value) && masked != value)
            {
                response.Headers[i] = new(name, masked);
                changed++;
            }
        }

        return changed;
    }
}
