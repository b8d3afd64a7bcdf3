package Utils;
# As FixMyStreet's Utils::truncate_coordinate: six decimals, trailing zeros dropped.
sub truncate_coordinate { my $out = sprintf('%0.6f', shift); $out =~ s/\.?0+$//; return $out; }
1;
