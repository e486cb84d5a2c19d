using System.ComponentModel.DataAnnotations;
using EmbargoScheduler.Policy;

namespace EmbargoScheduler.Tests.Policy;

/// <summary>Embargo:MaxExtensions:&lt;channel&gt;, and the limits a running embargo keeps from its start.</summary>
public sealed class ExtensionLimitPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Started = Now.AddDays(-2);

    private static EmbargoOptions Options(Action<EmbargoOptions> configure)
    {
        var options = new EmbargoOptions();
        configure(options);
        return options;
    }

    private static RunningEmbargo Running(string[] channels, int extensions, ChannelLimits? limitsAtStart = null) =>
        new(channels, limitsAtStart, Started, Now.AddDays(5), extensions);

    [Fact]
    public void An_extension_once_the_channels_limit_is_reached_is_refused_saying_so()
    {
        var policy = new EmbargoPolicy(Options(o => o.MaxExtensions["distros"] = 2));
        Assert.True(policy.EvaluateExtension(Running(["distros"], 1), Now.AddDays(6), Now).Allowed);
        var decision = policy.EvaluateExtension(Running(["distros"], 2), Now.AddDays(6), Now);
        Assert.False(decision.Allowed);
        Assert.Equal("extensions", decision.Field);
        Assert.Contains("at most 2 extension", decision.Reason);
        Assert.Contains("has had 2", decision.Reason);
    }

    [Fact]
    public void A_channel_without_a_limit_allows_any_number_of_extensions_and_0_allows_none()
    {
        var policy = new EmbargoPolicy(Options(o => o.MaxExtensions["distros"] = 0));
        Assert.True(policy.EvaluateExtension(Running(["default"], 50), Now.AddDays(6), Now).Allowed);
        Assert.Null(policy.LimitsFor(["default"])!.MaxExtensions);
        var none = policy.EvaluateExtension(Running(["distros"], 0), Now.AddDays(6), Now);
        Assert.Equal(("extensions", false), (none.Field, none.Allowed));
        Assert.Contains("allow no extensions", none.Reason);
    }

    [Fact]
    public void A_case_in_several_channels_takes_the_fewest_extensions_any_of_them_allows()
    {
        var policy = new EmbargoPolicy(Options(o => { o.MaxExtensions["default"] = 3; o.MaxExtensions["distros"] = 1; }));
        Assert.Equal(new ChannelLimits(14, 1), policy.LimitsFor(["default", "distros"]));
    }

    [Fact]
    public void A_removed_channel_leaves_the_embargo_the_limits_it_started_with()
    {
        var policy = new EmbargoPolicy(new EmbargoOptions()); // vendors (30 days, 1 extension) is gone
        var started = new ChannelLimits(30, 1);
        Assert.True(policy.EvaluateExtension(Running(["vendors"], 0, started), Started.AddDays(30), Now).Allowed);
        Assert.Contains("30 days", policy.EvaluateExtension(Running(["vendors"], 0, started), Started.AddDays(31), Now).Reason);
        Assert.Equal("extensions", policy.EvaluateExtension(Running(["vendors"], 1, started), Started.AddDays(20), Now).Field);
    }

    [Fact]
    public void A_later_configuration_can_make_a_running_embargo_stricter_but_never_looser()
    {
        var looser = new EmbargoPolicy(Options(o => o.Channels["distros"] = 30));
        Assert.Equal(new ChannelLimits(14, 2), looser.LimitsInForce(["distros"], new ChannelLimits(14, 2)));
        var stricter = new EmbargoPolicy(Options(o => { o.Channels["distros"] = 7; o.MaxExtensions["distros"] = 1; }));
        Assert.Equal(new ChannelLimits(7, 1), stricter.LimitsInForce(["distros"], new ChannelLimits(14, 2)));
    }

    [Fact]
    public void An_embargo_stored_before_limits_were_kept_uses_its_channels_still_configured_or_is_refused_naming_them()
    {
        var policy = new EmbargoPolicy(new EmbargoOptions());
        Assert.Equal(new ChannelLimits(14, null), policy.LimitsInForce(["vendors", "distros"], atStart: null));
        Assert.Equal(["vendors"], policy.UnconfiguredChannels(["vendors", "distros"]));
        var decision = policy.EvaluateExtension(Running(["vendors"], 0), Now.AddDays(6), Now);
        Assert.Equal(("channels", false), (decision.Field, decision.Allowed));
        Assert.Contains("vendors are no longer configured", decision.Reason);
    }

    [Fact]
    public void Options_validation_names_a_negative_limit_and_one_for_a_channel_that_does_not_exist()
    {
        var options = Options(o => { o.MaxExtensions["distros"] = -1; o.MaxExtensions["distro"] = 2; o.MaxExtensions["default"] = 0; });
        var errors = options.Validate(new ValidationContext(options)).ToList();
        Assert.Equal(["MaxExtensions:distros", "MaxExtensions:distro"], errors.Select(e => e.MemberNames.Single()));
        Assert.Contains("0 or more", errors[0].ErrorMessage);
    }
}
