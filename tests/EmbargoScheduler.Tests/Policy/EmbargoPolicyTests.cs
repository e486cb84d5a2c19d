using EmbargoScheduler.Policy;

namespace EmbargoScheduler.Tests.Policy;

public sealed class EmbargoPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly EmbargoPolicy policy = new(new EmbargoOptions());

    [Fact]
    public void Accepts_an_embargo_within_the_channel_maximum_and_after_the_lead_time()
    {
        Assert.True(policy.EvaluateStart(["default"], Now.AddDays(30), Now).Allowed);
        Assert.True(policy.EvaluateStart(["distros"], Now.AddDays(14), Now).Allowed);
    }

    [Fact]
    public void Refuses_an_embargo_longer_than_the_channel_allows()
    {
        var decision = policy.EvaluateStart(["distros"], Now.AddDays(14).AddMinutes(1), Now);
        Assert.False(decision.Allowed);
        Assert.Equal("disclosureAt", decision.Field);
        Assert.Contains("14 days", decision.Reason);
    }

    [Fact]
    public void A_case_in_several_channels_takes_the_strictest_limit()
    {
        Assert.False(policy.EvaluateStart(["default", "distros"], Now.AddDays(20), Now).Allowed);
        Assert.Equal(14, policy.LimitsFor(["default", "distros"])!.MaxDays);
    }

    [Fact]
    public void Refuses_a_disclosure_sooner_than_the_minimum_lead_time()
    {
        var decision = policy.EvaluateStart(["default"], Now.AddHours(23), Now);
        Assert.False(decision.Allowed);
        Assert.Equal("disclosureAt", decision.Field);
        Assert.Contains("minimum lead time", decision.Reason);
    }

    [Fact]
    public void Refuses_an_unknown_channel_naming_it()
    {
        var decision = policy.EvaluateStart(["default", "mailing-list"], Now.AddDays(5), Now);
        Assert.False(decision.Allowed);
        Assert.Equal("channels", decision.Field);
        Assert.Contains("mailing-list", decision.Reason);
    }

    [Fact]
    public void Refuses_an_embargo_without_channels()
    {
        Assert.Equal("channels", policy.EvaluateStart([], Now.AddDays(5), Now).Field);
    }

    [Fact]
    public void Channel_names_are_case_insensitive()
    {
        Assert.True(policy.EvaluateStart(["Distros"], Now.AddDays(5), Now).Allowed);
    }

    [Fact]
    public void An_extension_is_measured_from_the_start_of_the_embargo()
    {
        var started = Now.AddDays(-10);
        Assert.True(policy.EvaluateExtension(Running(["distros"], started, Now.AddDays(2)), Now.AddDays(4), Now).Allowed);
        var decision = policy.EvaluateExtension(Running(["distros"], started, Now.AddDays(2)), Now.AddDays(5), Now);
        Assert.False(decision.Allowed);
        Assert.Equal("disclosureAt", decision.Field);
    }

    [Fact]
    public void An_extension_must_move_disclosure_later()
    {
        var decision = policy.EvaluateExtension(Running(["default"], Now.AddDays(-1), Now.AddDays(10)), Now.AddDays(9), Now);
        Assert.False(decision.Allowed);
        Assert.Contains("later", decision.Reason);
    }

    [Fact]
    public void An_extension_close_to_the_instant_is_not_held_to_the_minimum_lead_time()
    {
        // Disclosure is due in 10 hours; moving it 10 hours later only gives recipients more time.
        var decision = policy.EvaluateExtension(Running(["default"], Now.AddDays(-5), Now.AddHours(10)), Now.AddHours(20), Now);
        Assert.True(decision.Allowed, decision.Reason);
    }

    [Fact]
    public void Reminders_fall_72_and_24_hours_before_disclosure_by_default()
    {
        var disclosure = Now.AddDays(10);
        Assert.Equal([disclosure.AddHours(-72), disclosure.AddHours(-24)], policy.ReminderTimes(disclosure, Now));
    }

    [Fact]
    public void A_reminder_whose_time_has_passed_is_not_scheduled()
    {
        var disclosure = Now.AddHours(48);
        Assert.Equal([disclosure.AddHours(-24)], policy.ReminderTimes(disclosure, Now));
        Assert.Empty(policy.ReminderTimes(Now.AddHours(2), Now));
        Assert.Null(policy.NextReminder(Now.AddHours(2), Now));
    }

    [Fact]
    public void Short_embargoes_work_with_a_short_lead_time_and_short_offsets()
    {
        var shortPolicy = new EmbargoPolicy(new EmbargoOptions { MinimumLeadTime = TimeSpan.FromSeconds(3), ReminderOffsets = [TimeSpan.FromSeconds(5)] });
        Assert.True(shortPolicy.EvaluateStart(["default"], Now.AddSeconds(15), Now).Allowed);
        Assert.Equal(Now.AddSeconds(10), shortPolicy.NextReminder(Now.AddSeconds(15), Now));
    }

    [Fact]
    public void Options_validation_rejects_a_channel_without_days_and_a_negative_lead_time()
    {
        var options = new EmbargoOptions { MinimumLeadTime = TimeSpan.FromSeconds(-1) };
        options.Channels["broken"] = 0;
        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        Assert.Contains(errors, e => e.MemberNames.Contains("Channels:broken"));
        Assert.Contains(errors, e => e.MemberNames.Contains("MinimumLeadTime"));
    }

    [Fact]
    public void Options_validation_rejects_lengths_of_time_that_would_overflow_an_instant()
    {
        var options = new EmbargoOptions
        {
            MinimumLeadTime = TimeSpan.FromDays(4_000_000), ReminderOffsets = [TimeSpan.FromDays(4_000_000)], ClockRetention = TimeSpan.FromDays(4_000_000),
        };
        options.Channels["default"] = 4_000_000;
        options.Channels["decade"] = EmbargoOptions.MaxDays;
        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        Assert.Equal(["Channels:default", "MinimumLeadTime", "ClockRetention", "ReminderOffsets"], errors.Select(e => e.MemberNames.Single()));
        Assert.All(errors, e => Assert.Contains($"at most {EmbargoOptions.MaxDays} days", e.ErrorMessage));
        var defaults = new EmbargoOptions();
        Assert.Empty(defaults.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(defaults)));
    }

    private static RunningEmbargo Running(string[] channels, DateTimeOffset startedAt, DateTimeOffset disclosureAt, int extensions = 0,
        ChannelLimits? limitsAtStart = null) => new(channels, limitsAtStart, startedAt, disclosureAt, extensions);
}
