using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nono.Core.Tests.Proxy;

/// <summary>A throw-away CA and a server certificate it signs, made fresh by each test that needs TLS.</summary>
internal sealed class TestCertificates : IDisposable
{
    public TestCertificates(string dnsName)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest caRequest = new("CN=nono test CA " + Guid.NewGuid().ToString("N"), caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        using ECDsa leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest leafRequest = new("CN=" + dnsName, leafKey, HashAlgorithmName.SHA256);
        SubjectAlternativeNameBuilder san = new();
        san.AddDnsName(dnsName);
        leafRequest.CertificateExtensions.Add(san.Build());
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 leaf = leafRequest.Create(Ca, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        using X509Certificate2 withKey = leaf.CopyWithPrivateKey(leafKey);
        Server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2Collection CaCollection => [Ca];

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
    }
}
