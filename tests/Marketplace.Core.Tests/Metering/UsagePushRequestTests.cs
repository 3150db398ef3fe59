using System.Text;
using Marketplace.Core.Common;
using Marketplace.Core.Metering;
using static Marketplace.Core.Tests.Metering.MeteringFixture;

namespace Marketplace.Core.Tests.Metering;

public class UsagePushRequestTests
{
    [Fact]
    public void Parses_the_KooGallery_example_body()
    {
        const string body = """{"usage_records":[{"begin_time":"20220809T080000Z","end_time":"20220809T090000Z","instance_id":"7f141bf1-aec8-4859-8323-fb3a8ad50721","metering_sn":"a1b2c3","record_time":"20220809T091000Z","usage_value":"99"}]}""";

        var result = UsagePushRequest.Parse(body, Options());

        Assert.False(result.IsError);
        var record = Assert.Single(result.Request!.Records);
        Assert.Equal(0, record.Index);
        Assert.Equal("7f141bf1-aec8-4859-8323-fb3a8ad50721", record.InstanceId);
        Assert.Equal("20220809T080000Z", record.BeginTime);
        Assert.Equal("20220809T090000Z", record.EndTime);
        Assert.Equal("20220809T091000Z", record.RecordTime);
        Assert.Equal("99", record.UsageValue);
        Assert.Equal("a1b2c3", record.MeteringSn);
        Assert.Null(record.RelatePkgInstance);
        Assert.Empty(record.WrongTypeFields);
    }

    [Fact]
    public void A_numeric_usage_value_keeps_its_literal_text()
    {
        var request = Request(Record(value: 1.5m), Record(sn: "sn-2", value: 12.25));

        Assert.Equal("1.5", request.Records[0].UsageValue);
        Assert.Equal("12.25", request.Records[1].UsageValue);
    }

    [Fact]
    public void Numeric_usage_value_text_is_not_rounded_through_double()
    {
        var request = UsagePushRequest.Parse("""{"usage_records":[{"usage_value":0.10000}]}""", Options()).Request!;

        Assert.Equal("0.10000", request.Records[0].UsageValue);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("""{"usage_records":[{"instance_id":"a",}]}""")]
    [InlineData("""{"usage_records":[] /* comment */}""")]
    public void Malformed_JSON_is_a_400_validation_failed(string body)
    {
        var error = UsagePushRequest.Parse(body, Options()).Error;

        Assert.NotNull(error);
        Assert.Equal(ErrorKind.BadRequest, error.Kind);
        Assert.Equal("validation.failed", error.Code);
        Assert.Contains("JSON", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "JSON object")]
    [InlineData("\"usage\"", "JSON object")]
    [InlineData("{}", "no usage_records")]
    [InlineData("""{"usage_records":null}""", "no usage_records")]
    [InlineData("""{"usageRecords":[]}""", "no usage_records")]
    [InlineData("""{"usage_records":{}}""", "must be a JSON array")]
    [InlineData("""{"usage_records":"[]"}""", "must be a JSON array")]
    [InlineData("""{"usage_records":[]}""", "empty")]
    [InlineData("""{"usage_records":[{},1]}""", "usage_records[1] must be a JSON object")]
    [InlineData("""{"usage_records":[null]}""", "usage_records[0] must be a JSON object")]
    public void A_body_without_a_usable_usage_records_array_is_a_400(string body, string detail)
    {
        var error = UsagePushRequest.Parse(body, Options()).Error;

        Assert.NotNull(error);
        Assert.Equal(ErrorKind.BadRequest, error.Kind);
        Assert.Equal("validation.failed", error.Code);
        Assert.Contains(detail, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_1000_records_is_a_413_too_many_records()
    {
        var records = Enumerable.Range(0, 1001).Select(i => (object)Record(sn: $"sn-{i}")).ToArray();

        var error = UsagePushRequest.Parse(Body(records), Options()).Error;

        Assert.NotNull(error);
        Assert.Equal(ErrorKind.TooLarge, error.Kind);
        Assert.Equal("usage.too-many-records", error.Code);
        Assert.Contains("1001", error.Detail, StringComparison.Ordinal);
        Assert.Contains("1000", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly_1000_records_are_parsed()
    {
        var records = Enumerable.Range(0, 1000).Select(i => (object)Record(sn: $"sn-{i}")).ToArray();

        var result = UsagePushRequest.Parse(Body(records), Options());

        Assert.Equal(1000, result.Request!.Records.Count);
        Assert.Equal(999, result.Request.Records[^1].Index);
    }

    [Fact]
    public void The_record_limit_is_configurable()
    {
        var options = Options();
        options.MaxRecordsPerPush = 2;

        Assert.Equal("usage.too-many-records", UsagePushRequest.Parse(Body(Record(), Record(), Record()), options).Error?.Code);
    }

    [Fact]
    public void A_UTF8_byte_order_mark_is_tolerated()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Body(Record()))).ToArray();

        Assert.False(UsagePushRequest.Parse(bytes, Options()).IsError);
    }

    [Fact]
    public void Fields_of_the_wrong_JSON_type_are_flagged_not_fatal()
    {
        const string body = """{"usage_records":[{"instance_id":{"id":1},"begin_time":["x"],"end_time":true,"record_time":null,"usage_value":false,"metering_sn":[],"relate_pkg_instance":{}}]}""";

        var record = Assert.Single(UsagePushRequest.Parse(body, Options()).Request!.Records);

        Assert.Equal(
            new[] { "begin_time", "end_time", "instance_id", "metering_sn", "relate_pkg_instance", "usage_value" },
            record.WrongTypeFields.Order(StringComparer.Ordinal));
        Assert.Null(record.RecordTime);
        Assert.Null(record.InstanceId);
    }

    [Fact]
    public void A_lone_surrogate_in_a_string_is_flagged_as_wrong_type()
    {
        const string body = """{"usage_records":[{"metering_sn":"\uD800"}]}""";

        var record = Assert.Single(UsagePushRequest.Parse(body, Options()).Request!.Records);

        Assert.Contains("metering_sn", record.WrongTypeFields);
    }

    [Fact]
    public void Numbers_in_text_fields_are_read_as_their_literal_text()
    {
        const string body = """{"usage_records":[{"instance_id":12345,"metering_sn":678}]}""";

        var record = Assert.Single(UsagePushRequest.Parse(body, Options()).Request!.Records);

        Assert.Equal("12345", record.InstanceId);
        Assert.Equal("678", record.MeteringSn);
    }

    [Fact]
    public void A_repeated_field_keeps_its_last_value_and_unknown_fields_are_ignored()
    {
        const string body = """{"usage_records":[{"metering_sn":"first","metering_sn":"last","product_id":"p-1"}]}""";

        var record = Assert.Single(UsagePushRequest.Parse(body, Options()).Request!.Records);

        Assert.Equal("last", record.MeteringSn);
    }

    [Fact]
    public void Instance_ids_and_metering_sns_are_listed_distinct_in_push_order()
    {
        var request = Request(
            Record(sn: "b", instance: "inst-2"), Record(sn: "a", instance: "inst-1"), Record(sn: "b", instance: "inst-2"), Record(sn: "", instance: ""));

        Assert.Equal(["inst-2", "inst-1"], request.InstanceIds);
        Assert.Equal(["b", "a"], request.MeteringSns);
    }

    [Fact]
    public void Seller_candidates_are_the_owners_of_known_instances()
    {
        var request = Request(Record(instance: "inst-other"), Record(instance: "nope"), Record(instance: "inst-1"), Record(instance: "inst-2"));

        Assert.Equal([OtherSeller, Seller], request.SellerCandidates(id => Instances.GetValueOrDefault(id)));
        Assert.Empty(Request(Record(instance: "nope")).SellerCandidates(id => Instances.GetValueOrDefault(id)));
    }

    [Fact]
    public void Record_identity_is_available_when_instance_and_times_are_readable()
    {
        var request = Request(Record(), Record(begin: "bad"));

        Assert.Equal(new UsageRecordIdentity("inst-1", Utc(2026, 11, 22, 5), Utc(2026, 11, 22, 6)), request.Records[0].TryGetIdentity());
        Assert.Null(request.Records[1].TryGetIdentity());
    }

    [Fact]
    public void Usage_time_format_round_trips()
    {
        Assert.True(UsageTime.TryParse("20220809T080000Z", out var time));
        Assert.Equal(Utc(2022, 8, 9, 8), time);
        Assert.Equal(TimeSpan.Zero, time.Offset);
        Assert.Equal("20220809T080000Z", UsageTime.ToText(time));
        Assert.Equal("20261122T050000Z", UsageTime.ToText(new DateTimeOffset(2026, 11, 22, 13, 0, 0, TimeSpan.FromHours(8))));
    }
}
