using System.Numerics;
using System.Security.Cryptography;

namespace Nono.Core.Trust.Keys;

/// <summary>
/// Ed25519 signature verification (RFC 8032 §5.1.7), because .NET's base library has no Ed25519.
/// Verification only: it handles public data, so it need not be constant-time. Used for Rekor v2
/// log keys and checkpoint signatures. Cofactorless check, canonical S (S &lt; L) required.
/// </summary>
internal static class Ed25519
{
    private static readonly BigInteger s_p = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger s_l = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly BigInteger s_d = Mod(-121665 * Inverse(121666));
    private static readonly BigInteger s_sqrtMinus1 = BigInteger.ModPow(2, (s_p - 1) / 4, s_p);
    private static readonly Point s_base = CreateBase();

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != 32 || signature.Length != 64)
        {
            return false;
        }

        Point? a = Decode(publicKey);
        Point? r = Decode(signature[..32]);
        BigInteger s = new(signature[32..], isUnsigned: true, isBigEndian: false);
        if (a is null || r is null || s >= s_l)
        {
            return false;
        }

        byte[] hashInput = [.. signature[..32], .. publicKey, .. message];
        BigInteger k = new BigInteger(SHA512.HashData(hashInput), isUnsigned: true, isBigEndian: false) % s_l;
        Point left = Multiply(s_base, s);
        Point right = Add(r.Value, Multiply(a.Value, k));
        return Mod((left.X * right.Z) - (right.X * left.Z)) == 0 && Mod((left.Y * right.Z) - (right.Y * left.Z)) == 0;
    }

    private static Point? Decode(ReadOnlySpan<byte> encoded)
    {
        byte[] bytes = encoded.ToArray();
        int sign = bytes[31] >> 7;
        bytes[31] &= 0x7F;
        BigInteger y = new(bytes, isUnsigned: true, isBigEndian: false);
        if (y >= s_p)
        {
            return null;
        }

        BigInteger u = Mod((y * y) - 1);
        BigInteger v = Mod((s_d * y * y) + 1);
        BigInteger v3 = Mod(v * v * v);
        BigInteger x = Mod(u * v3 * BigInteger.ModPow(Mod(u * v3 * v3 * v), (s_p - 5) / 8, s_p));
        BigInteger vx2 = Mod(v * x * x);
        if (vx2 != u)
        {
            if (vx2 != Mod(-u))
            {
                return null;
            }

            x = Mod(x * s_sqrtMinus1);
        }

        if (x == 0 && sign == 1)
        {
            return null;
        }

        if ((int)(x % 2) != sign)
        {
            x = s_p - x;
        }

        return new Point(x, y, 1, Mod(x * y));
    }

    private static Point Add(Point p, Point q)
    {
        BigInteger a = Mod((p.Y - p.X) * (q.Y - q.X));
        BigInteger b = Mod((p.Y + p.X) * (q.Y + q.X));
        BigInteger c = Mod(p.T * 2 * s_d * q.T);
        BigInteger d = Mod(p.Z * 2 * q.Z);
        BigInteger e = b - a;
        BigInteger f = d - c;
        BigInteger g = d + c;
        BigInteger h = b + a;
        return new Point(Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    private static Point Multiply(Point p, BigInteger scalar)
    {
        Point result = new(0, 1, 1, 0);
        Point addend = p;
        while (scalar > 0)
        {
            if (!scalar.IsEven)
            {
                result = Add(result, addend);
            }

            addend = Add(addend, addend);
            scalar >>= 1;
        }

        return result;
    }

    private static Point CreateBase()
    {
        BigInteger y = Mod(4 * Inverse(5));
        byte[] encoded = y.ToByteArray(isUnsigned: true, isBigEndian: false);
        Array.Resize(ref encoded, 32);
        return Decode(encoded) ?? throw new InvalidOperationException("Ed25519 base point");
    }

    private static BigInteger Inverse(BigInteger value) => BigInteger.ModPow(Mod(value), s_p - 2, s_p);

    private static BigInteger Mod(BigInteger value)
    {
        BigInteger r = value % s_p;
        return r.Sign < 0 ? r + s_p : r;
    }

    private readonly record struct Point(BigInteger X, BigInteger Y, BigInteger Z, BigInteger T);
}
