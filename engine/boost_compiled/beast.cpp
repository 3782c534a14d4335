// Beast compiled once for the whole project (BOOST_BEAST_SEPARATE_COMPILATION); see asio.cpp.
#include <boost/beast/src.hpp>
