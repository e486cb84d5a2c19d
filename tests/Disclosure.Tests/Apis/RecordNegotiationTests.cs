using Disclosure.Apis;

namespace Disclosure.Tests.Apis;

public sealed class RecordNegotiationTests
{
    [Theory]
    [InlineData(null, "osv")]
    [InlineData("", "osv")]
    [InlineData("*/*", "osv")]
    [InlineData("text/html,application/xhtml+xml,*/*;q=0.8", "osv")]
    [InlineData("application/csaf+json", "csaf")]
    [InlineData("application/cve+json", "cve")]
    [InlineData("application/osv+json, application/csaf+json;q=0", "osv")]   // q=0: not acceptable
    [InlineData("application/cve+json, application/csaf+json;q=0.5", "cve")] // the higher quality wins
    [InlineData("application/csaf+json, */*;q=0.1", "csaf")]
    [InlineData("application/*;q=0.2, application/cve+json;q=0.3", "cve")]   // the most specific range counts
    [InlineData("application/json", "osv")]                                    // all three are JSON (the +json suffix)
    [InlineData("application/xml", null)]                                      // none of the three
    [InlineData("application/osv+json;q=0, application/cve+json;q=0, application/csaf+json;q=0", null)]
    [InlineData("*/*, application/osv+json;q=0", "cve")]
    public void The_record_is_the_one_the_accept_header_rates_highest(string? accept, string? format) =>
        Assert.Equal(format, RecordNegotiation.Choose(accept is null ? null : [accept]));

    // An advisory without a CVE id has no CVE record: the best of those it has, not a 404 for an advisory that exists.
    [Theory]
    [InlineData("application/cve+json, */*;q=0.5", "osv")]
    [InlineData("application/cve+json, application/csaf+json;q=0.5", "csaf")]
    [InlineData("application/cve+json", null)]
    public void Without_a_CVE_record_the_next_best_record_is_chosen(string accept, string? format) =>
        Assert.Equal(format, RecordNegotiation.Choose([accept], withCve: false));
}
