# Stands in for FixMyStreet's database layer, which Open311.pm loads but the calls driven here never use.
package FixMyStreet::DB; 1;
