using System.Security.Cryptography;
using System.Text;

namespace Nono.Core.Proxy;

/// <summary>Checks the per-session token carried in <c>Proxy-Authorization: Basic</c> (password part), in constant time.</summary>
internal sealed class SessionAuth
{
    private readonly byte[] _token;

    public SessionAuth(string token)
    {
        Token = token;
        _token = Encoding.ASCII.GetBytes(token);
    }

    public string Token { get; }

    public bool IsAuthorized(HttpHead head)
    {
        if (head.Count("Proxy-Authorization") != 1)
        {
            return false;
        }

        string value = head.Get("Proxy-Authorization") ?? string.Empty;
        if (!value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(value[6..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        int colon = Array.IndexOf(decoded, (byte)':');
        return colon >= 0 && CryptographicOperations.FixedTimeEquals(decoded.AsSpan(colon + 1), _token);
    }
}
