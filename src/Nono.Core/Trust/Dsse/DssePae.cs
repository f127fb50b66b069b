using System.Text;

namespace Nono.Core.Trust.Dsse;

/// <summary>DSSE v1 Pre-Authentication Encoding: <c>"DSSEv1" SP len(type) SP type SP len(body) SP body</c>.</summary>
public static class DssePae
{
    /// <summary>The bytes that are signed for a DSSE envelope.</summary>
    public static byte[] Encode(string payloadType, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        byte[] type = Encoding.UTF8.GetBytes(payloadType);
        byte[] header = Encoding.ASCII.GetBytes($"DSSEv1 {type.Length} ");
        byte[] middle = Encoding.ASCII.GetBytes($" {payload.Length} ");
        return [.. header, .. type, .. middle, .. payload];
    }
}
