using Nono.Action.ActionMode;
using Nono.Core.Audit.Events;
using Nono.Reports.Model;

namespace Nono.Action.Tests.ActionMode;

/// <summary>The audit-mode proposal: proxied hosts are proposed, refused ones listed, direct DNS queries and refused socket calls neither.</summary>
public sealed class NetworkProposalBuilderTests
{
    [Fact]
    public void From_ProxiedHostsDirectDnsQueriesAndRefusedCalls_ProposesOnlyTheProxiedOnes()
    {
        DateTimeOffset now = DateTimeOffset.UnixEpoch;
        NetworkEvent[] events =
        [
            new() { Timestamp = now, Host = "API.example.test", Port = 443, Method = "CONNECT", Decision = NetworkDecision.Allowed },
            new() { Timestamp = now, Host = "169.254.169.254", Port = 80, Method = "GET", Decision = NetworkDecision.Denied, Reason = "metadata" },
            new() { Timestamp = now, Host = "tracker.example.test", Port = 53, Method = "DNS", Decision = NetworkDecision.Denied, Reason = "dns-query-refused:A" },
            new() { Timestamp = now, Host = "AF_INET/SOCK_DGRAM", Port = 0, Method = "socket", Decision = NetworkDecision.Denied, Reason = "socket-refused:AF_INET,SOCK_DGRAM,0" },
            new() { Timestamp = now, Host = "192.0.2.1", Port = 443, Method = "sendto", Decision = NetworkDecision.Denied, Reason = "fastopen-refused" },
        ];

        NetworkProposal proposal = NetworkProposalBuilder.From(events);

        Assert.Equal(["api.example.test"], proposal.Hosts);
        Assert.Equal(["169.254.169.254"], proposal.Refused);
    }

    [Fact]
    public void From_PortsOtherThanAPortlessEntryOpens_AreProposedAsHostAndPort()
    {
        DateTimeOffset now = DateTimeOffset.UnixEpoch;
        NetworkEvent[] events =
        [
            new() { Timestamp = now, Host = "web.example.test", Port = 443, Method = "CONNECT", Decision = NetworkDecision.Allowed },
            new() { Timestamp = now, Host = "web.example.test", Port = 80, Method = "GET", Decision = NetworkDecision.Allowed },
            new() { Timestamp = now, Host = "git.example.test", Port = 22, Method = "CONNECT", Decision = NetworkDecision.Allowed },
            new() { Timestamp = now, Host = "plain.example.test", Port = 443, Method = "GET", Decision = NetworkDecision.Allowed },
            new() { Timestamp = now, Host = "2001:db8::1", Port = 8443, Method = "CONNECT", Decision = NetworkDecision.Allowed },
        ];

        NetworkProposal proposal = NetworkProposalBuilder.From(events);

        Assert.Equal(["[2001:db8::1]:8443", "git.example.test:22", "plain.example.test:443", "web.example.test"], proposal.Hosts);
    }
}
