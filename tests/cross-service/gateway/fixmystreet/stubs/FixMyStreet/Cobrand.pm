# Stands in for FixMyStreet's own module, which Open311.pm loads but the calls driven here never use.
package FixMyStreet::Cobrand; 1;
