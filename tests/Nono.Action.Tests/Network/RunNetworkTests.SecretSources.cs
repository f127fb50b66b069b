using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

/// <summary>
/// Where a route's real credential comes from stays out of the command's reach: the <c>env://</c> variable is removed
/// from its environment even when the profile allows every variable, and a <c>file://</c> credential inside a granted
/// directory is carved out of the grant. The route still injects the credential upstream (a loopback origin records it).
/// </summary>
public sealed partial class RunNetworkTests
{
    private const string SecretProbe = """
        env
        tr '\0' '\n' < /proc/self/environ
        cat "$1" 2>/dev/null && echo key-file-readable || echo key-file-denied
        cat "$2" && echo sibling-readable
        curl -sS -o /dev/null -w 'route=%{http_code}\n' -H "Authorization: Bearer $ACME_API_KEY" "$ACME_BASE_URL/v1/x"
        """;

    [Theory]
    [InlineData(TestUser.Current, "env")]
    [InlineData(TestUser.Nobody, "env")]
    [InlineData(TestUser.Current, "file")]
    [InlineData(TestUser.Nobody, "file")]
    public async Task Run_CustomRouteSecretSource_IsOutOfReachAndStillInjected(TestUser user, string source)
    {
        using NonoSandbox sb = new(user);
        string secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        string variable = "ACME_KEY_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        string keyFile = sb.Home.Combine("keys", "acme.txt"); // inside the granted home
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
        await File.WriteAllTextAsync(keyFile, source == "file" ? secret + "\n" : "not-the-key\n", TestContext.Current.CancellationToken);
        string sibling = sb.Home.Combine("keys", "other.txt"); // the rest of the directory stays granted
        await File.WriteAllTextAsync(sibling, "sibling\n", TestContext.Current.CancellationToken);

        if (source == "env")
        {
            sb.Environment[variable] = secret;
        }

        using TcpListener origin = new(IPAddress.Loopback, 0);
        origin.Start();
        int port = ((IPEndPoint)origin.LocalEndpoint).Port;
        Task<string> seen = AnswerOneRequestAsync(origin);
        string key = source == "env" ? $"env://{variable}" : $"file://{keyFile}";
        string profile = sb.Home.Combine("route.json");
        await File.WriteAllTextAsync(profile, $$"""
            { "meta": { "name": "route" }, "environment": { "allow_vars": ["*"] },
              "network": { "custom_credentials": { "acme": { "upstream": "http://127.0.0.1:{{port}}", "credential_key": "{{key}}" } } } }
            """, TestContext.Current.CancellationToken);
        sb.Environment["NONO_PROFILE"] = profile;

        ProcessResult result = await sb.SandboxedAsync("run", ["--allow", sb.Home.Path], "/bin/sh", "-c", SecretProbe, "sh", keyFile, sibling);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.DoesNotContain(secret, result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(variable + "=", result.StandardOutput, StringComparison.Ordinal); // allow_vars "*" notwithstanding
        Assert.Contains("route=200", result.StandardOutput);
        Assert.Contains("sibling\nsibling-readable", result.StandardOutput);
        Assert.Contains($"Authorization: Bearer {secret}\r\n", await seen, StringComparison.Ordinal);
        // Both sides for the file: the key file is refused (an ordinary file there is not), a sibling stays readable.
        Assert.Contains(source == "file" ? "key-file-denied" : "not-the-key\nkey-file-readable", result.StandardOutput);
        // The carving's cost is said, with the remedy (only for a file source: nothing is carved for env://).
        string carved = $"nono: warning: secret file {keyFile} (credential of route 'acme') is inside the granted directory ";
        Assert.Equal(source == "file", result.StandardError.Contains(carved, StringComparison.Ordinal));
        Assert.Equal(source == "file", result.StandardError.Contains("can no longer be listed, nor have entries created, renamed or removed directly in them; keep the file outside granted directories, or pass the secret as env://VAR", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpstreamProxyCredentials_OnlyFromTheEnvironmentAndNeverPrinted()
    {
        using NonoSandbox sb = new(TestUser.Current);
        string password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        string[] proxyMode = ["--dry-run", "--allow-domain", "api.test"];

        // On the command line (readable in /proc/<pid>/cmdline by every process): refused, with the way out named.
        ProcessResult flag = await sb.SandboxedAsync("run", [.. proxyMode, "--upstream-proxy", $"http://corp:{password}@127.0.0.1:3128"], "/bin/true");
        // From the environment: a bad one is reported with its userinfo redacted (so the variable is read), a good one passes.
        sb.Environment["NONO_UPSTREAM_PROXY"] = $"https://corp:{password}@corp-proxy.test:3128";
        ProcessResult badVariable = await sb.SandboxedAsync("run", proxyMode, "/bin/true");
        sb.Environment["NONO_UPSTREAM_PROXY"] = $"http://corp:{password}@127.0.0.1:3128";
        ProcessResult goodVariable = await sb.SandboxedAsync("run", proxyMode, "/bin/true");

        Assert.Equal(1, flag.ExitCode);
        Assert.Contains("nono: --upstream-proxy 'http://***@127.0.0.1:3128' carries a user and password on the command line; set NONO_UPSTREAM_PROXY instead", flag.StandardError);
        Assert.Equal(1, badVariable.ExitCode);
        Assert.Contains("upstream proxy 'https://***@corp-proxy.test:3128' must be http://host:port", badVariable.StandardError);
        Assert.True(goodVariable.ExitCode == 0, goodVariable.StandardError);
        foreach (ProcessResult r in new[] { flag, badVariable, goodVariable })
        {
            Assert.DoesNotContain(password, r.StandardOutput + r.StandardError, StringComparison.Ordinal);
        }
    }

    private static async Task<string> AnswerOneRequestAsync(TcpListener origin)
    {
        using Socket client = await origin.AcceptSocketAsync(TestContext.Current.CancellationToken);
        StringBuilder head = new();
        byte[] buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read = await client.ReceiveAsync(buffer, TestContext.Current.CancellationToken);
            if (read == 0)
            {
                break;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await client.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray(), TestContext.Current.CancellationToken);
        return head.ToString();
    }
}
