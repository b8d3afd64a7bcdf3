#!/usr/bin/perl
# Drives FixMyStreet's own Open311 adapter (perllib/Open311.pm of a
# FixMyStreet checkout, unchanged) against a running gateway, as
# FixMyStreet's send-reports and fetch-updates jobs call it, and prints
# what the adapter made of each answer as one JSON object.
#
#   perl drive.pl <gateway base URL> <api key>   (FIXMYSTREET_PERLLIB: the folder holding Open311.pm)
use strict; use warnings;
use FindBin;
# The stubs first: Open311.pm loads FixMyStreet's cobrand and database modules, which these calls do not use.
use lib "$FindBin::Bin/stubs", $ENV{FIXMYSTREET_PERLLIB} || die "set FIXMYSTREET_PERLLIB to FixMyStreet's perllib folder\n";
use Open311;
use DateTime;
use DateTime::Format::W3CDTF;
use JSON::PP;

# A FixMyStreet report and its user, with the methods the adapter calls.
package Stub { sub new { my ($c, %a) = @_; bless {%a}, $c } our $AUTOLOAD; sub AUTOLOAD { my $s = shift; (my $n = $AUTOLOAD) =~ s/.*:://; return if $n eq 'DESTROY'; $s->{$n} } }
package main;

my ($base, $key) = @ARGV;
my $open311 = Open311->new(endpoint => "$base/open311/v2/", jurisdiction => 'gridwork', api_key => $key);
my %out;
$out{services} = [ map { $_->{service_code} } @{ $open311->get_service_list->{service} } ];
$out{attributes} = $open311->get_service_meta_info('roads.pothole')->{attributes};

my $user = Stub->new(name => 'Wang Fang', email => 'wang@example.org', phone => '13700000000');
my %report = (id => 42, name => 'Wang Fang', title => 'Pothole by the gate', detail => 'A deep pothole by the school gate', user => $user,
  latitude => 23.01, longitude => 113.005, used_map => 1, postcode => '', cobrand => 'fixmystreet', bodies => {}, send_fail_count => 0,
  get_extra_fields => [ { name => 'depth_cm', value => '12' } ]);
my $from = DateTime::Format::W3CDTF->format_datetime(DateTime->now->subtract(minutes => 10));
$out{sent} = $open311->send_service_request(Stub->new(%report), { url => 'https://fms.example.org/report/42', image_url => 'https://photos.example.org/pothole.jpg' }, 'roads.pothole');
$out{requests} = $open311->get_service_requests({ report_ids => [ $out{sent} ] })->{request};
my $to = DateTime::Format::W3CDTF->format_datetime(DateTime->now->add(minutes => 10));
my $updates = $open311->get_service_request_updates($from, $to);
$out{updates} = $updates;
$out{states} = [ map { $open311->map_state($_->{status}) } @$updates ];
$out{refused} = $open311->send_service_request(Stub->new(%report, latitude => 99), {}, 'roads.pothole');
$out{refusal} = $open311->error;
print JSON::PP->new->canonical->encode(\%out);
